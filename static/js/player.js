// The song player: wavesurfer.js draws the peaks the server computed (no decoding in the browser)
// around the page's own <audio>, which streams with HTTP Range. Without JavaScript the <audio> stays.
(function () {
  "use strict";

  var SEEK_STEP_SECONDS = 5;

  function clock(seconds) {
    var whole = Math.round(seconds);
    return Math.floor(whole / 60) + ":" + String(whole % 60).padStart(2, "0");
  }

  function initPlayer(figure) {
    var peaksScript = document.getElementById(figure.dataset.peaksId);
    var peaks = peaksScript && JSON.parse(peaksScript.textContent);
    if (figure.dataset.playerStarted || typeof WaveSurfer === "undefined" || !peaks || !peaks.length) return;
    figure.dataset.playerStarted = "true";

    var audio = figure.querySelector("audio");
    var waveform = figure.querySelector(".waveform");
    var controls = figure.querySelector("[data-player-controls]");
    var playButton = figure.querySelector("[data-play]");
    var currentTime = figure.querySelector("[data-current-time]");
    var whose = figure.dataset.playerLabel ? " " + figure.dataset.playerLabel : "";  // "Play version 2"
    waveform.hidden = false;
    controls.hidden = false;
    audio.hidden = true;

    var wavesurfer = WaveSurfer.create({
      container: waveform,
      media: audio,
      peaks: [peaks],
      duration: Number(figure.dataset.duration),
      height: 96,
      waveColor: "#a9bde6",
      progressColor: "#2060df",
      cursorColor: "#1e3a8a",
      barWidth: 2,
      barGap: 1,
      barRadius: 2,
      // The page's Content-Security-Policy admits the <style> wavesurfer adds by this nonce.
      cspNonce: document.querySelector('meta[name="csp-nonce"]').content,
    });

    waveform.tabIndex = 0;
    waveform.setAttribute("role", "slider");
    waveform.setAttribute("aria-label", "Position in the song (left and right arrows seek)");
    waveform.setAttribute("aria-valuemin", "0");
    waveform.setAttribute("aria-valuemax", String(Math.round(Number(figure.dataset.duration))));
    waveform.setAttribute("aria-valuenow", "0");
    waveform.addEventListener("keydown", function (event) {
      var step = { ArrowLeft: -SEEK_STEP_SECONDS, ArrowRight: SEEK_STEP_SECONDS }[event.key];
      if (!step) return;
      event.preventDefault();
      audio.currentTime = Math.min(Math.max(0, audio.currentTime + step), wavesurfer.getDuration());
    });

    playButton.addEventListener("click", function () { wavesurfer.playPause(); });
    wavesurfer.on("play", function () {
      playButton.textContent = "❚❚ Pause";
      playButton.setAttribute("aria-label", "Pause" + whose);
    });
    wavesurfer.on("pause", function () {
      playButton.textContent = "▶ Play";
      playButton.setAttribute("aria-label", "Play" + whose);
    });
    wavesurfer.on("timeupdate", function (seconds) {
      currentTime.textContent = clock(seconds);
      waveform.setAttribute("aria-valuenow", String(Math.round(seconds)));
      waveform.setAttribute("aria-valuetext", clock(seconds));
    });
    wavesurfer.on("ready", function () { figure.dataset.waveformReady = "true"; });
  }

  htmx.onLoad(function (root) {
    var figures = root.matches && root.matches("[data-player]") ? [root] : root.querySelectorAll("[data-player]");
    Array.prototype.forEach.call(figures, initPlayer);
  });
})();
