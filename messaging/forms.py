from django import forms
from django.utils.translation import gettext_lazy as _

from messaging.models import Channel


class ChannelForm(forms.ModelForm):
    url = forms.CharField(
        label=_("Alamat Apprise"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=Channel._meta.get_field("url").help_text,
    )

    class Meta:
        model = Channel
        fields = ["name", "url", "recipient_label", "recipient_help", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["url"].help_text = _(
                "Tersimpan terenkripsi dan tidak ditampilkan. Kosongkan untuk tetap memakai yang "
                "tersimpan; isi untuk menggantinya."
            )
        else:
            self.fields["url"].required = True

    def _post_clean(self):
        # The service validates and saves; the encrypted URL is never put back in the form.
        pass


class RecipientForm(forms.Form):
    recipient = forms.CharField(label=_("Alamat penerima"), max_length=255, required=False)
