// Timed lyrics (templates/jobs/_lyrics.html): the line being sung lights up and is scrolled into view
// as the song plays, a click on a line seeks to it, and "Sing along" plays the instrumental instead of
// the song. It drives the page's own <audio>, which the waveform player (js/player.js) also drives.
(function () {
  "use strict";

  function lineAt(lines, seconds) {
    for (var index = 0; index < lines.length; index++) {
      var line = lines[index];
      if (seconds >= Number(line.dataset.start) && seconds < Number(line.dataset.end)) return line;
    }
    return null;
  }

  function scrollToLine(list, line) {
    var top = line.offsetTop - (list.clientHeight - line.offsetHeight) / 2;
    list.scrollTo({ top: Math.max(0, top), behavior: "smooth" });
  }

  // Swap what the <audio> plays, keeping the position and whether it was playing.
  function playFrom(audio, url) {
    var position = audio.currentTime;
    var wasPlaying = !audio.paused;
    audio.addEventListener("loadedmetadata", function () {
      audio.currentTime = position;
      if (wasPlaying) audio.play();
    }, { once: true });
    audio.src = url;
    audio.load();
  }

  function initLyrics(section) {
    var audio = document.getElementById(section.dataset.audioId);
    if (section.dataset.lyricsStarted || !audio) return;
    section.dataset.lyricsStarted = "true";
    var list = section.querySelector("[data-lyrics-lines]");
    var lines = Array.prototype.slice.call(list.querySelectorAll("li[data-start]"));
    var current = null;

    function follow() {
      var line = lineAt(lines, audio.currentTime);
      if (line === current) return;
      if (current) {
        current.classList.remove("sung");
        current.removeAttribute("aria-current");
      }
      current = line;
      if (!line) return;
      line.classList.add("sung");
      line.setAttribute("aria-current", "true");
      scrollToLine(list, line);
    }

    audio.addEventListener("timeupdate", follow);
    audio.addEventListener("seeked", follow);
    lines.forEach(function (line) {
      line.querySelector("button").addEventListener("click", function () {
        audio.currentTime = Number(line.dataset.start);
        follow();
        if (audio.paused) audio.play();
      });
    });

    var singAlong = section.querySelector("[data-sing-along]");
    if (!singAlong) return;
    section.querySelector("[data-sing-along-label]").hidden = false;
    singAlong.addEventListener("change", function () {
      playFrom(audio, singAlong.checked ? section.dataset.instrumentalUrl : section.dataset.songUrl);
    });
  }

  htmx.onLoad(function (root) {
    var sections = root.matches && root.matches("[data-timed-lyrics]") ? [root] : root.querySelectorAll("[data-timed-lyrics]");
    Array.prototype.forEach.call(sections, initLyrics);
  });
})();
