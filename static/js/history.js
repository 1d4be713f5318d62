// The history's play buttons: one shared <audio> plays a finished song without leaving the list.
(function () {
  "use strict";

  var audio = new Audio();
  var playingButton = null;

  function showPlaying(button, isPlaying) {
    button.textContent = isPlaying ? "❚❚" : "▶";
    button.setAttribute("aria-pressed", String(isPlaying));
  }

  audio.addEventListener("ended", function () {
    if (playingButton) showPlaying(playingButton, false);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-audio-src]");
    if (!button) return;
    if (playingButton === button && !audio.paused) {
      audio.pause();
      showPlaying(button, false);
      return;
    }
    if (playingButton) showPlaying(playingButton, false);
    if (playingButton !== button) audio.src = button.dataset.audioSrc;
    playingButton = button;
    audio.play();
    showPlaying(button, true);
  });

  document.querySelectorAll("[data-audio-src]").forEach(function (button) { button.hidden = false; });
})();
