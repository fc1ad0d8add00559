from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from geo.loader import Sources, ensure_gazetteer, load_gazetteer
from geo.sources import SourceError


class Command(BaseCommand):
    help = (
        "Load the Dutch gazetteer (CBS municipalities, districts, neighbourhoods; GeoNames PC4) "
        "from the files shipped in geo/data, or from newer files of the same formats."
    )

    def add_arguments(self, parser):
        defaults = Sources()
        parser.add_argument(
            "--neighbourhoods",
            type=Path,
            default=defaults.neighbourhoods,
            help="CBS buurten: TopoJSON label points or GeoJSON (statcode BU…, statnaam).",
        )
        parser.add_argument(
            "--districts",
            type=Path,
            default=defaults.districts,
            help="CBS wijken: TopoJSON label points or GeoJSON (statcode WK…, statnaam).",
        )
        parser.add_argument(
            "--postcodes",
            type=Path,
            default=defaults.postcodes,
            help="GeoNames postal codes of NL (tab-separated).",
        )
        parser.add_argument(
            "--boundaries",
            type=Path,
            default=defaults.boundaries,
            help="GeoJSON district polygons to attach where they fit.",
        )
        parser.add_argument(
            "--no-boundaries", action="store_true", help="Load no district polygons."
        )
        parser.add_argument(
            "--names",
            type=Path,
            default=defaults.names,
            help="Curated names and aliases (CSV: code,name,aliases,merged_into,note).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only load when there is no gazetteer yet (for deploy scripts).",
        )

    def handle(self, *args, **options):
        paths = Sources(
            neighbourhoods=options["neighbourhoods"],
            districts=options["districts"],
            postcodes=options["postcodes"],
            boundaries=None if options["no_boundaries"] else options["boundaries"],
            names=options["names"],
        )
        for path in vars(paths).values():
            if path is not None and not Path(path).is_file():
                raise CommandError(f"No such file: {path}")
        if options["if_empty"] and paths != Sources():
            raise CommandError("--if-empty loads the shipped files; leave out the paths.")
        say = self.stdout.write
        try:
            result = (
                ensure_gazetteer(log=say) if options["if_empty"] else load_gazetteer(paths, log=say)
            )
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        if result is None:
            say("The gazetteer is already loaded; nothing to do.")
            return
        for what, count in result.counts.items():
            self.stdout.write(f"  {what}: {count}")
        if result.notes:
            self.stdout.write(f"  notes: {len(result.notes)} (-v 2 lists them)")
            if options["verbosity"] >= 2:
                for note in result.notes:
                    self.stdout.write(f"    {note}")
