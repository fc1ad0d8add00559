"""Partners serving a neighbourhood, read from the index alone (the audit's coverage map and
matching's "serves here"). The automatic index on the link table has the neighbourhood only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("partners", "0004_matching_link_indexes")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS partners_served_link_by_neighbourhood "
            "ON partners_partnerprofile_neighbourhoods (neighbourhood_id, partnerprofile_id)",
            "DROP INDEX IF EXISTS partners_served_link_by_neighbourhood",
        )
    ]
