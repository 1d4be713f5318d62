// The job page: tell the person when the song is ready (title, and a notification if they asked for
// one with the button), and copy a new share link. The status itself is polled by htmx.
(function () {
  "use strict";

  var TITLES = { completed: "♪ Ready: ", failed: "Failed: ", cancelled: "Cancelled: " };

  function offerNotifications(root) {
    var button = root.querySelector("[data-ask-notification]");
    if (!button || !("Notification" in window) || Notification.permission !== "default") return;
    button.hidden = false;
    button.addEventListener("click", function () {
      Notification.requestPermission().then(function (permission) {
        button.hidden = true;
        if (permission === "denied") button.insertAdjacentText("afterend", "Notifications are blocked for this site.");
      });
    });
  }

  document.body.addEventListener("job-finished", function (event) {
    var title = event.detail.title || "Untitled";
    document.title = (TITLES[event.detail.status] || "") + title + " · musicgen";
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    var heading = event.detail.status === "completed" ? "Your song is ready" : "Your song could not be made";
    new Notification(heading, { body: title, tag: "musicgen-job" });
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-from]");
    if (!button) return;
    var input = document.querySelector(button.dataset.copyFrom);
    var copied = function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy"; }, 2000);
    };
    input.select();
    if (navigator.clipboard) {
      navigator.clipboard.writeText(input.value).then(copied, function () {
        document.execCommand("copy");
        copied();
      });
    } else {
      document.execCommand("copy");
      copied();
    }
  });

  htmx.onLoad(offerNotifications);
})();
