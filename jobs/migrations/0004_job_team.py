"""Every job belongs to a team as well as to its owner; existing jobs go to their owner's personal team."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def put_jobs_in_their_owners_team(apps, schema_editor):
    Job = apps.get_model("jobs", "Job")
    Membership = apps.get_model("teams", "Membership")
    first_team_of = {}
    for membership in Membership.objects.filter(role="admin").order_by("joined_at", "id"):
        first_team_of.setdefault(membership.user_id, membership.team_id)
    for owner_id, team_id in first_team_of.items():
        Job.objects.filter(owner_id=owner_id, team__isnull=True).update(team_id=team_id)


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0003_job_reliability"),
        ("teams", "0002_personal_teams"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="job",
            name="owner",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="jobs",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="job",
            name="team",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="jobs",
                to="teams.team",
            ),
        ),
        migrations.RunPython(put_jobs_in_their_owners_team, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="job",
            name="team",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="jobs",
                to="teams.team",
            ),
        ),
        migrations.AddIndex(
            model_name="job",
            index=models.Index(fields=["team", "-created_at"], name="job_team_created"),
        ),
    ]
