"""The program list over the whole published catalog in memory: its filters, the counts beside
them, its order and its pages, for the list page, its export and the open data API.

Why in memory: in SQL each count beside a filter is a grouped query over the joined lists
(15 sectors × 10,000 programs for the sector counts alone), and showing 20 programs in
deadline order sorts every match first; at catalog scale that costs 30–80 times the site's
empty layout page. Here every filter value is a bitmask over the published programs (a Python
int whose bit i is the i-th program in deadline order): filtering is AND, a count is a
popcount, and the deadline order is the order of the bits, so a page costs the same whatever
the catalog's size.

Fresh on every host: the masks are built from the committed catalog and tagged with its stamp
(`CatalogVersion`, read in one query per list), which every edit of a program, its sectors,
its regions, an authority or a sector moves in its own commit; a list that reads another
stamp builds them again. Keywords are not held here: a query's words are looked up in the
term index (`ProgramTerm`), one grouped query each, since the words readers type are too many
to keep.

`selectors.programs.filtered_programs` states the same filters in SQL, for the saved-search
alerts (one INSERT … SELECT per search) and the feed; tests/selectors/test_listing.py checks
that both select the same programs.
"""

import bisect
import datetime
from collections import defaultdict
from itertools import compress, islice

from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils import timezone

from tracker.models import CatalogVersion, Program, ProgramSector, ProgramTerm
from tracker.models.organizations import OrganizationKind
from tracker.models.programs import TAKING_APPLICATIONS, dated_status
from tracker.models.search import is_cjk, terms_of_word, words_of
from tracker.models.timezones import local_date

ProgramRegion = Program.regions.through

# Query words beyond this many are ignored: each is one indexed query.
MAX_QUERY_WORDS = 8
# The statuses a count is given for; the list's default ("") is those taking applications.
COUNTED_STATUSES = [
    Program.Status.UPCOMING, Program.Status.OPEN, Program.Status.CLOSING, Program.Status.CLOSED
]


def query_words(text):
    """The words of a keyword query, as the index cuts them (see `tracker.models.search`)."""
    return list(dict.fromkeys(words_of(text)))[:MAX_QUERY_WORDS]


def enough_pairs(pairs):
    """How many of a Chinese run's character pairs a program must have: all of two, then two
    thirds, so that 孵化器补贴 finds 孵化器运营补贴 (器补 is in neither word); relevance puts
    the programs with all of them first."""
    return pairs if pairs <= 2 else -(-2 * pairs // 3)


def word_matches(word):
    """The programs whose index matches `word`, grouped: rows of `program_id` and `score`,
    the summed weights of the terms found (a Chinese run needs `enough_pairs` of its pairs)."""
    terms = set(terms_of_word(word))
    rows, needed = Q(term__in=terms), enough_pairs(len(terms))
    if is_cjk(word) and len(word) == 1:
        # A lone character: also the pairs it begins. Rarely asked, so the one lookup that
        # scans rather than seeks.
        rows, needed = rows | Q(term__startswith=word, weight__gt=0), 1
    # A program has each term once (`tracker_programterm_once`): counting rows counts terms,
    # and COUNT(*) reads no column, so the covering index answers alone.
    return (
        ProgramTerm.objects.filter(rows).order_by().values("program_id")
        .annotate(found=Count("*"), score=Sum("weight"))
        .filter(found__gte=needed)
    )


# Binary digits as the bytes 0 and 1, for itertools.compress.
_DIGITS = bytes.maketrans(b"01", b"\x00\x01")


def positions_of(mask, stop=None):
    """The positions of the set bits of `mask`, lowest first (the first `stop` of them);
    iterated in C, since a list reads up to 10,000 of them."""
    flags = bin(mask)[:1:-1].encode().translate(_DIGITS)
    return list(islice(compress(range(len(flags)), flags), stop))


class CatalogIndex:
    """The published programs' facets as bitmasks, built from one committed catalog.

    Position i is the i-th published program by (deadline, slug). Immutable once built, so
    threads share it; the status masks, which depend on each zone's date, are kept per set of
    dates.
    """

    def __init__(self, stamp, changed_at):
        self.stamp, self.changed_at = stamp, changed_at
        rows = list(
            Program.objects.published()
            .order_by("deadline", "slug")
            .values_list(
                "pk", "slug", "authority_id", "authority__level", "benefit_kind", "eligible_kinds",
                "opens_on", "deadline", "timezone", "published_at", "is_demo", named=True,
            )
        )
        self.ids = [row.pk for row in rows]
        self.position = {pk: i for i, pk in enumerate(self.ids)}
        self.everything = (1 << len(rows)) - 1
        level, authority, benefit, kind = (defaultdict(int) for _ in range(4))
        self.demo = 0
        self.zones = defaultdict(list)
        for i, row in enumerate(rows):
            bit = 1 << i
            level[row.authority__level] |= bit
            authority[row.authority_id] |= bit
            benefit[row.benefit_kind] |= bit
            for value in row.eligible_kinds or OrganizationKind.values:
                kind[value] |= bit
            if row.is_demo:
                self.demo |= bit
            self.zones[row.timezone].append((i, row.opens_on, row.deadline))
        self.facets = {
            "level": dict(level), "authority": dict(authority), "benefit": dict(benefit),
            "kind": dict(kind), "sector": self._by_position(
                ProgramSector.objects.filter(program__is_published=True)
                .values_list("program_id", "sector_id")
            ),
        }
        self.regions = self._by_position(
            ProgramRegion.objects.filter(program__is_published=True)
            .values_list("program_id", "region__code")
        )
        placed = 0
        for mask in self.regions.values():
            placed |= mask
        self.anywhere = self.everything & ~placed
        # A published program always has its dates (`tracker_program_published_has_dates`).
        self.deadlines = [row.deadline for row in rows]
        self.published_at = [row.published_at for row in rows]
        # Newest first, those without a publication date last; ties by slug.
        self.newest = sorted(
            range(len(rows)),
            key=lambda i: (rows[i].published_at is None,
                           -rows[i].published_at.timestamp() if rows[i].published_at else 0,
                           rows[i].slug),
        )
        self._statuses = {}

    def _by_position(self, pairs):
        masks = defaultdict(int)
        for program_id, value in pairs:
            masks[value] |= 1 << self.position[program_id]
        return dict(masks)

    def statuses(self, now):
        """{status: mask} at `now`, each program judged on its own zone's date."""
        dates = tuple(sorted((zone, local_date(zone, now)) for zone in self.zones))
        if dates not in self._statuses:
            masks = defaultdict(int)
            for zone, today in dates:
                for i, opens_on, deadline in self.zones[zone]:
                    masks[dated_status(opens_on, deadline, today)] |= 1 << i
            # Dates change at midnights: the masks of a day just past are not asked again.
            self._statuses = {dates: dict(masks)}
        return self._statuses[dates]

    def region(self, region):
        """The programs for `region`: those of a division containing it or inside it, and
        those open anywhere (no region)."""
        mask = self.anywhere
        enclosing, prefix = set(region.enclosing_codes()), region.prefix
        for code, programs in self.regions.items():
            if code in enclosing or code.startswith(prefix):
                mask |= programs
        return mask

    def deadline_range(self, start, end):
        """The programs with a deadline within [start, end] (either may be None): a run of
        positions, found by bisection."""
        low = bisect.bisect_left(self.deadlines, start) if start else 0
        high = bisect.bisect_right(self.deadlines, end) if end else len(self.deadlines)
        return ((1 << high) - 1) & ~((1 << low) - 1) if high > low else 0

    def posted_since(self, since):
        mask = 0
        for i in self.newest:
            at = self.published_at[i]
            if at is None or at < since:
                break
            mask |= 1 << i
        return mask

    def keywords(self, words):
        """(mask of the programs matching every word, {position: relevance}), one grouped
        query per word; relevance sums the weights of the terms each word found."""
        mask, scores = self.everything, defaultdict(int)
        for word in words:
            # Fetched whole through the cursor: the ORM's per-row conversion of thousands of
            # (id, score) pairs cost more than the query itself.
            query = word_matches(word).values_list("program_id", "score").query
            with connection.cursor() as cursor:
                cursor.execute(*query.sql_with_params())
                found = cursor.fetchall()
            matched = 0
            for program_id, score in found:
                position = self.position.get(program_id)
                if position is not None:
                    matched |= 1 << position
                    scores[position] += score
            mask &= matched
        return mask, scores


# This process's index: replaced whole when the catalog stamp moves.
_index = None


def catalog_index():
    """The index of the committed catalog: this process's, while its stamp is current."""
    global _index
    stamp, changed_at = CatalogVersion.state()
    if stamp is None or _index is None or _index.stamp != stamp:
        # Read before the programs: an edit committing in between leaves an index tagged with
        # the older stamp, built again next time.
        _index = CatalogIndex(stamp, changed_at)
    return _index


class Listing:
    """The programs one list shows, in order: a sequence of Program rows for Paginator and
    slicing. `len()` is a popcount; a slice loads only its own rows, with `rows` (a Program
    queryset: what the caller shows of each)."""

    def __init__(self, index, masks, statuses, order, rows):
        self.index, self.masks, self.statuses, self.rows = index, masks, statuses, rows
        self.mask = index.everything
        for mask in masks.values():
            self.mask &= mask
        self.order = order

    def __len__(self):
        return self.mask.bit_count()

    count = __len__

    def ids(self, start=0, stop=None):
        """The ids of positions start..stop of the list."""
        return [self.index.ids[i] for i in self.order(self.mask, stop)[start:stop]]

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("a Listing is read by slices")
        ids = self.ids(key.start or 0, key.stop)
        loaded = self.rows.in_bulk(ids)
        return [loaded[pk] for pk in ids if pk in loaded]

    def counts(self):
        """For each filter, how many programs each of its values would list, the other
        filters kept (the counts beside the list's choices)."""
        counts = {}
        for name in ("level", "authority", "sector", "kind", "benefit"):
            base = self._without(name)
            counts[name] = {
                value: n for value, mask in self.index.facets[name].items()
                if (n := (base & mask).bit_count())
            }
        base = self._without("status")
        by_status = {s: (base & self.statuses.get(s, 0)).bit_count() for s in COUNTED_STATUSES}
        by_status[""] = sum(by_status[s] for s in TAKING_APPLICATIONS)
        by_status["all"] = sum(by_status[s] for s in COUNTED_STATUSES)
        counts["status"] = by_status
        return counts

    def _without(self, name):
        mask = self.index.everything
        for key, value in self.masks.items():
            if key != name:
                mask &= value
        return mask


def listing(filters, *, sort="", now=None, real=False, rows=None, index=None):
    """The published programs matching `filters` (keys of `selectors.programs.FILTER_KEYS`,
    each missing or empty meaning any), sorted by `sort`: "deadline", "newest", or by default
    relevance to the keywords (by deadline when there are none). `real`: without the example
    catalog. `rows`: the Program queryset a page's rows are loaded with. `index`: the catalog's
    index, for a caller that read it already (else one query checks this process's)."""
    index = index or catalog_index()
    now = now or timezone.now()
    value = {k: v for k, v in filters.items() if v not in (None, "")}
    statuses = index.statuses(now)
    masks = {}
    scores = None
    if words := query_words(value.get("q", "")):
        masks["q"], scores = index.keywords(words)
    if region := value.get("region"):
        masks["region"] = index.region(region)
    for name in ("level", "benefit", "kind"):
        if name in value:
            masks[name] = index.facets[name].get(value[name], 0)
    for name in ("authority", "sector"):
        if name in value:
            masks[name] = index.facets[name].get(value[name].pk, 0)
    if value.get("deadline_from") or value.get("deadline_to"):
        masks["deadline"] = index.deadline_range(
            value.get("deadline_from"), value.get("deadline_to")
        )
    if posted := value.get("posted"):
        masks["posted"] = index.posted_since(now - datetime.timedelta(days=int(posted)))
    status = value.get("status", "")
    if status != "all":
        chosen = TAKING_APPLICATIONS if status == "" else [status]
        masks["status"] = 0
        for s in chosen:
            masks["status"] |= statuses.get(s, 0)
    if real:
        masks["real"] = index.everything & ~index.demo
    rows = Program.objects.all() if rows is None else rows
    return Listing(index, masks, statuses, _order(index, sort, scores), rows)


def _order(index, sort, scores):
    """order(mask, stop): the positions of `mask` in the list's order (at least the first
    `stop`, all when None)."""
    if sort not in ("deadline", "newest") and scores is not None:
        # Best match first, then by deadline: the positions' order, which a reversed sort
        # keeps among equal scores (it is stable).
        return lambda mask, stop: sorted(positions_of(mask), key=scores.__getitem__, reverse=True)
    if sort == "newest":
        def newest(mask, stop):
            members, found = set(positions_of(mask)), []
            for i in index.newest:
                if i in members:
                    found.append(i)
                    if len(found) == stop:
                        break
            return found
        return newest
    return positions_of
