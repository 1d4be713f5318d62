"""Accounts made before teams existed get their personal team, as every new account does."""

from django.conf import settings
from django.db import migrations


def give_every_account_a_personal_team(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Team = apps.get_model("teams", "Team")
    Membership = apps.get_model("teams", "Membership")
    taken = set(Team.objects.values_list("name", flat=True))
    for user in User.objects.filter(memberships__isnull=True).order_by("id"):
        name, number = user.username, 1
        while name in taken:
            number += 1
            name = f"{user.username}-{number}"
        taken.add(name)
        team = Team.objects.create(name=name)
        Membership.objects.create(team=team, user=user, role="admin")


class Migration(migrations.Migration):
    dependencies = [("teams", "0001_initial")]
    operations = [migrations.RunPython(give_every_account_a_personal_team, migrations.RunPython.noop)]
