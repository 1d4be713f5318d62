// The new-song form, enhanced: drop a file, upload it once as a draft (measured by the server, then
// analysed by the generator while the lyrics are written), preview it,
// lyrics tools with a live counter and structure preview, and upload progress through htmx.
// Without JavaScript the same form posts normally and the server says what is wrong.
(function () {
  "use strict";

  // The `##` marker comes from the server (generation/prompt.py), set on the form as data-marker.
  var MARKER = document.getElementById("new-job-form").dataset.marker;

  // Mirrors jobs.lyrics.song_structure: the parts a song made from this prompt will have.
  function songStructure(text) {
    var prompt = normalize(text);
    var hasMarkers = prompt.startsWith(MARKER) && prompt.endsWith(MARKER);
    var parts = hasMarkers ? [{ kind: "intro" }] : [];
    stripMarkers(prompt).trim().split("\n").forEach(function (rawLine) {
      var line = rawLine.trim();
      if (line) parts.push({ kind: "line", text: line });
      else if (parts.length && parts[parts.length - 1].kind === "line") parts.push({ kind: "pause" });
    });
    if (hasMarkers) parts.push({ kind: "outro" });
    return parts;
  }

  function normalize(text) {
    return text.replace(/\r\n?/g, "\n").trim();
  }

  function stripMarkers(prompt) {
    var body = prompt.startsWith(MARKER) ? prompt.slice(MARKER.length) : prompt;
    return body.endsWith(MARKER) ? body.slice(0, -MARKER.length) : body;
  }

  var PART_LABELS = { intro: "Instrumental intro", pause: "Pause", outro: "Instrumental outro" };

  function renderStructure(form, textarea) {
    var preview = form.querySelector("[data-structure-preview]");
    var list = form.querySelector("[data-structure-list]");
    var parts = songStructure(textarea.value);
    list.replaceChildren.apply(list, parts.map(function (part) {
      var item = document.createElement("li");
      item.className = "part-" + part.kind;
      item.textContent = part.kind === "line" ? part.text : PART_LABELS[part.kind];
      return item;
    }));
    preview.hidden = parts.length === 0;
  }

  function renderCounter(form, textarea) {
    var counter = form.querySelector("[data-counter]");
    var limit = Number(counter.dataset.max);
    var used = Array.from(normalize(textarea.value)).length; // code points, as Python counts them
    counter.textContent = used + " / " + limit;
    counter.classList.toggle("is-over", used > limit);
  }

  function insertPause(textarea) {
    var start = textarea.selectionStart;
    var atLineStart = start === 0 || textarea.value[start - 1] === "\n";
    textarea.setRangeText(atLineStart ? "\n" : "\n\n", start, textarea.selectionEnd, "end");
    textarea.focus();
    textarea.dispatchEvent(new Event("input"));
  }

  function toggleInstrumental(textarea) {
    var prompt = normalize(textarea.value);
    var wrapped = prompt.length > 2 * MARKER.length && prompt.startsWith(MARKER) && prompt.endsWith(MARKER);
    textarea.value = wrapped ? stripMarkers(prompt).trim() : MARKER + "\n" + stripMarkers(prompt).trim() + "\n" + MARKER;
    textarea.focus();
    textarea.dispatchEvent(new Event("input"));
  }

  function formatSize(bytes) {
    return bytes >= 1e6 ? (bytes / 1e6).toFixed(1) + " MB" : Math.max(1, Math.round(bytes / 1e3)) + " kB";
  }

  // A newly chosen file replaces the one the server rejected: its error no longer applies.
  function forgetRejectedFile(form, input) {
    form.querySelectorAll("[data-reference-error]").forEach(function (error) { error.remove(); });
    input.removeAttribute("aria-invalid");
  }

  function showChosenFile(form, input) {
    var file = input.files[0];
    var chosen = form.querySelector("[data-reference-chosen]");
    var preview = form.querySelector("[data-reference-preview]");
    chosen.hidden = !file;
    if (preview.src) URL.revokeObjectURL(preview.src);
    if (!file) {
      form.querySelector("[data-reference-analysis]").replaceChildren(); // no file chosen, no draft sent
      return;
    }
    form.querySelector("[data-reference-name]").textContent = file.name;
    form.querySelector("[data-reference-size]").textContent = formatSize(file.size);
    preview.hidden = false;
    preview.src = URL.createObjectURL(file);
    uploadDraft(form, input, file);
  }

  // The chosen file is uploaded once, now, as a draft; the form then sends only the draft's id.
  // When the server refuses the file, it stays in the form, so submitting shows the same sentence.
  function uploadDraft(form, input, file) {
    var analysis = form.querySelector("[data-reference-analysis]");
    var progress = form.querySelector("[data-draft-progress]");
    analysis.textContent = "Uploading the file…";
    progress.value = 0;
    progress.hidden = false;
    var body = new FormData();
    body.append("reference_track", file);
    var request = new XMLHttpRequest();
    request.open("POST", form.dataset.draftUrl);
    request.setRequestHeader("X-CSRFToken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    request.setRequestHeader("HX-Request", "true"); // refusals come back as fragments, not whole pages
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) progress.value = (100 * event.loaded) / event.total;
    });
    request.addEventListener("load", function () {
      progress.hidden = true;
      if (request.status === 201 || request.status === 422 || request.status === 413) {
        analysis.innerHTML = request.responseText;
        htmx.process(analysis);
        if (request.status === 201) input.value = "";
      } else {
        analysis.textContent = "The file could not be uploaded now; it will be sent with the form when you submit.";
      }
    });
    request.addEventListener("error", function () {
      progress.hidden = true;
      analysis.textContent = "The file could not be uploaded now; it will be sent with the form when you submit.";
    });
    request.send(body);
  }

  function enhanceDropZone(form, input) {
    var zone = form.querySelector("[data-drop-zone]");
    form.querySelector("[data-drop-hint]").hidden = false;
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("is-dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("is-dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (!event.dataTransfer.files.length) return;
      input.files = event.dataTransfer.files;
      input.dispatchEvent(new Event("change"));
    });
    input.addEventListener("change", function () {
      forgetRejectedFile(form, input);
      showChosenFile(form, input);
    });
  }

  function enhanceLyrics(form, textarea) {
    form.querySelector("[data-lyrics-tools]").hidden = false;
    form.querySelector("[data-insert-pause]").addEventListener("click", function () { insertPause(textarea); });
    form.querySelector("[data-toggle-instrumental]").addEventListener("click", function () { toggleInstrumental(textarea); });
    var update = function () {
      renderCounter(form, textarea);
      renderStructure(form, textarea);
    };
    textarea.addEventListener("input", update);
    update();
  }

  function showUploadProgress(form) {
    var progress = form.querySelector("[data-upload-progress]");
    // htmx events bubble: the draft's analysis poller inside the form sends its own requests.
    var fromTheForm = function (listener) {
      return function (event) { if (event.target === form) listener(event); };
    };
    form.addEventListener("htmx:beforeRequest", fromTheForm(function () {
      progress.value = 0;
      progress.hidden = false;
    }));
    // htmx reports the upload's progress and then the answer's download: the bar only moves forward.
    form.addEventListener("htmx:xhr:progress", fromTheForm(function (event) {
      if (!event.detail.lengthComputable) return;
      progress.value = Math.max(progress.value, (100 * event.detail.loaded) / event.detail.total);
    }));
    form.addEventListener("htmx:afterRequest", fromTheForm(function () { progress.value = 100; }));
    // htmx swaps no 4xx answer; a body too large for the server is refused with a sentence to show.
    form.addEventListener("htmx:responseError", fromTheForm(function (event) {
      if (event.detail.xhr.status !== 413) return;
      progress.hidden = true;
      form.querySelector("[data-reference-analysis]").innerHTML = event.detail.xhr.responseText;
      form.querySelector("[data-reference-chosen]").hidden = false;
    }));
  }

  htmx.onLoad(function (root) {
    var form = root.id === "new-job-form" ? root : root.querySelector("#new-job-form");
    if (!form) return;
    enhanceDropZone(form, form.querySelector("input[type=file][name=reference_track]"));
    enhanceLyrics(form, form.querySelector("textarea[name=prompt]"));
    showUploadProgress(form);
  });
})();
