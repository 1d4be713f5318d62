// The versions block of a job page: one version sounds at a time, so versions are compared by ear.
// Media events do not bubble, so the listener catches them on their way down.
(function () {
  "use strict";

  document.addEventListener(
    "play",
    function (event) {
      var versions = event.target.closest && event.target.closest("[data-versions]");
      if (!versions) return;
      versions.querySelectorAll("audio").forEach(function (audio) {
        if (audio !== event.target) audio.pause();
      });
    },
    true
  );
})();
