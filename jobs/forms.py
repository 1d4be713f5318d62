"""Forms check what people send and turn rejections into the sentences of jobs/audio.py and generation/prompt.py."""

from django import forms
from django.conf import settings

from generation.prompt import PromptRejected, check_prompt
from jobs.audio import ReferenceRejected, measure_reference
from jobs.drafts import DraftUnavailable, draft_reference_for_owner
from jobs.models import Job, ShareLink


def measured_reference(reference_track):
    """What jobs.audio measured in an upload, or its rejection sentence as the field's error."""
    try:
        return measure_reference(reference_track)
    except ReferenceRejected as rejection:
        raise forms.ValidationError(rejection.message) from None


class PromptField(forms.CharField):
    """Lyrics checked by the model's rules; they run before Django's own NUL check, so its sentence names the line."""

    def to_python(self, value):
        try:
            return check_prompt(super().to_python(value))
        except PromptRejected as rejection:
            raise forms.ValidationError(rejection.message) from None


class JobCreateForm(forms.Form):
    """Lyrics plus a reference: a new upload, a draft uploaded by the page's script, or an earlier job's."""

    prompt = PromptField(
        label="Lyrics",
        widget=forms.Textarea(attrs={"rows": 10}),
        strip=False,
        help_text="One sung line per line; a blank line is a pause; ## at the very start and end asks for an "
        "instrumental intro and outro.",
    )
    reference_track = forms.FileField(
        label="Reference song",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".mp3,.wav,audio/mpeg,audio/wav"}),
        help_text=f"WAV or MP3, longer than {settings.MUSICGEN_REFERENCE_MIN_SECONDS} s, "
        f"at most {settings.MUSICGEN_REFERENCE_MAX_MB} MB.",
    )

    draft_reference = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, owner, reusable_reference_job=None, **kwargs):
        """`owner`: who submits (drafts are theirs only). `reusable_reference_job`: an earlier job of
        the same owner whose reference may be used again."""
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.reusable_reference_job = reusable_reference_job
        if reusable_reference_job is not None:
            self.fields["reuse_reference"] = forms.BooleanField(
                label=f"Use the same reference again ({reusable_reference_job.reference_name})",
                required=False,
                initial=True,
            )

    def clean_reference_track(self):
        reference_track = self.cleaned_data.get("reference_track")
        if not reference_track:
            return None
        self.reference_info = measured_reference(reference_track)
        return reference_track

    def clean_draft_reference(self):
        """The person's own unexpired draft (a DraftReference), or None; another person's id is unknown here."""
        draft_id = self.cleaned_data.get("draft_reference")
        if not draft_id:
            return None
        try:
            return draft_reference_for_owner(owner=self.owner, draft_id=draft_id)
        except DraftUnavailable as rejection:
            raise forms.ValidationError(rejection.message) from None

    def clean(self):
        cleaned = super().clean()
        if "reference_track" in self.errors or "draft_reference" in self.errors:
            return cleaned
        if not any(cleaned.get(name) for name in ("reference_track", "draft_reference", "reuse_reference")):
            self.add_error("reference_track", "Choose a reference song (WAV or MP3) to take the style from.")
        return cleaned


class DraftReferenceForm(forms.Form):
    """One file chosen on the new-song page, measured as the upload form would, before the person submits."""

    reference_track = forms.FileField()

    def clean_reference_track(self):
        self.reference_info = measured_reference(self.cleaned_data["reference_track"])
        return self.cleaned_data["reference_track"]


class HistoryFilterForm(forms.Form):
    PERIOD_CHOICES = [("", "Any time"), ("today", "Last 24 hours"), ("week", "Last 7 days"), ("month", "Last 30 days")]

    q = forms.CharField(label="Search the lyrics", required=False, max_length=200)
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *Job.Status.choices])
    period = forms.ChoiceField(label="Created", required=False, choices=PERIOD_CHOICES)

    def filters(self):
        """Keyword arguments for selectors.job_history; an invalid value is ignored rather than shown as an error."""
        self.is_valid()
        valid = self.cleaned_data
        return {
            "search": valid.get("q", "").strip(),
            "status": valid.get("status", ""),
            "period": valid.get("period", ""),
        }


class ShareLinkCreateForm(forms.Form):
    expiry = forms.ChoiceField(
        label="Link works for", choices=ShareLink.Expiry.choices, initial=ShareLink.Expiry.THIRTY_DAYS
    )
