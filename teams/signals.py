from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver

from teams.services import personal_team_create


@receiver(post_save, sender=get_user_model())
def give_new_accounts_a_personal_team(sender, instance, created, raw=False, **kwargs):
    """Every account, however it was made (sign-up, createsuperuser, admin, a script), has a team to work in."""
    if created and not raw:
        personal_team_create(instance)
