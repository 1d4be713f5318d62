// The new-song form, enhanced: the fields follow the chosen model, drop a file, upload it once as a draft (measured by the server, then
// analysed by the generator while the lyrics are written), preview it,
// lyrics tools with a live counter and structure preview, and upload progress through htmx.
// Without JavaScript the same form posts normally and the server says what is wrong.
(function () {
  "use strict";

  // Every rule comes from the server: the `##` marker (generation/prompt.py) as the form's
  // data-marker, each model's fields and limits (generation/catalogue.py) and the section tags
  // (generation/sections.py) as JSON.
  var MARKER = document.getElementById("new-job-form").dataset.marker;
  var MODELS = {};
  JSON.parse(document.getElementById("model-rules").textContent).forEach(function (model) {
    MODELS[model.name] = model;
  });
  var SECTION_TAGS = JSON.parse(document.getElementById("section-tags").textContent).map(function (tag) {
    return tag.toLowerCase();
  });

  function chosenModel(form) {
    return MODELS[form.querySelector("[name=model]").value] || MODELS[Object.keys(MODELS)[0]];
  }

  // Which of the form's parts a model takes: the rest are hidden and disabled, so they are not sent.
  function takes(model, input) {
    switch (input) {
      case "reference": return model.reference !== null;
      case "style": return model.style !== null;
      case "lyrics": return model.lyrics !== null;
      case "is_instrumental": return model.takes_instrumental;
      case "lyrics_optimizer": return model.takes_lyrics_optimizer;
      case "audio_setting": return model.takes_audio_setting;
    }
    return true;
  }

  function applyModel(form) {
    var model = chosenModel(form);
    form.querySelectorAll("[data-for-input]").forEach(function (part) {
      var taken = takes(model, part.dataset.forInput);
      part.hidden = !taken;
      part.querySelectorAll("input, textarea, select").forEach(function (field) {
        if (field.closest("[data-for-input]") === part) field.disabled = !taken;
      });
    });
    form.querySelectorAll("[data-for-grammar]").forEach(function (tools) {
      tools.hidden = tools.dataset.forGrammar !== model.grammar;
    });
    form.querySelectorAll("[data-model-summary]").forEach(function (item) {
      item.classList.toggle("is-chosen", item.dataset.modelSummary === model.name);
    });
    form.querySelector("[data-counter=lyrics]").dataset.max = model.lyrics ? model.lyrics.max_chars : 0;
    form.querySelector("[data-counter=style]").dataset.max = model.style ? model.style.max_chars : 0;
  }

  // Mirrors generation/sections.py: a tag alone on its line in square brackets, maybe numbered.
  function sectionTag(line) {
    var match = /^\[([^\[\]]*)\]$/.exec(line);
    if (!match) return line.startsWith("[") ? { known: false, text: line.replace(/^\[|\]$/g, "") } : null;
    var name = match[1].trim().replace(/[\s_-]+/g, " ");
    var kind = name.replace(/ ?\d+$/, "").toLowerCase().replace(/^prechorus$/, "pre chorus");
    return { known: SECTION_TAGS.indexOf(kind) >= 0, text: name };
  }

  function sectionStructure(text) {
    var parts = [];
    normalize(text).split("\n").forEach(function (rawLine) {
      var line = rawLine.trim();
      if (!line) return;
      var tag = sectionTag(line);
      if (tag === null) parts.push({ kind: "line", text: line });
      else if (tag.known) parts.push({ kind: "section", text: tag.text });
      else parts.push({ kind: "unknown", text: "[" + tag.text + "] is not a section tag" });
    });
    return parts;
  }

  // The parts a song made from this prompt will have, by the `##` grammar of generation/prompt.py.
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
    var parts = chosenModel(form).grammar === "sections" ? sectionStructure(textarea.value) : songStructure(textarea.value);
    list.replaceChildren.apply(list, parts.map(function (part) {
      var item = document.createElement("li");
      item.className = "part-" + part.kind;
      item.textContent = PART_LABELS[part.kind] || part.text;
      return item;
    }));
    preview.hidden = parts.length === 0;
  }

  function renderCounter(form, textarea, name) {
    var counter = form.querySelector("[data-counter=" + name + "]");
    var limit = Number(counter.dataset.max);
    var used = Array.from(normalize(textarea.value)).length; // code points, as Python counts them
    counter.textContent = used + " / " + limit;
    counter.classList.toggle("is-over", used > limit);
  }

  function insertTag(textarea, tag) {
    var start = textarea.selectionStart;
    var atLineStart = start === 0 || textarea.value[start - 1] === "\n";
    textarea.setRangeText((atLineStart ? "" : "\n") + "[" + tag + "]\n", start, textarea.selectionEnd, "end");
    textarea.focus();
    textarea.dispatchEvent(new Event("input"));
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
    body.append("model", chosenModel(form).name); // the file is measured against this model's rules
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

  function enhanceLyrics(form, textarea, styleArea) {
    form.querySelector("[data-lyrics-tools]").hidden = false;
    form.querySelector("[data-style-tools]").hidden = false;
    form.querySelector("[data-insert-pause]").addEventListener("click", function () { insertPause(textarea); });
    form.querySelector("[data-toggle-instrumental]").addEventListener("click", function () { toggleInstrumental(textarea); });
    form.querySelectorAll("[data-insert-tag]").forEach(function (button) {
      button.addEventListener("click", function () { insertTag(textarea, button.dataset.insertTag); });
    });
    var update = function () {
      renderCounter(form, textarea, "lyrics");
      renderCounter(form, styleArea, "style");
      renderStructure(form, textarea);
    };
    textarea.addEventListener("input", update);
    styleArea.addEventListener("input", update);
    form.querySelector("[name=model]").addEventListener("change", function () {
      applyModel(form);
      update();
    });
    applyModel(form);
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
    enhanceLyrics(form, form.querySelector("textarea[name=prompt]"), form.querySelector("textarea[name=style]"));
    showUploadProgress(form);
  });
})();
