"""A paginator that counts with the page's own query, so a list page costs one query, not two."""

from django.core.paginator import Paginator
from django.db.models import Count, Subquery, Value

from plumbing.numbers import whole_number

# Past the end of any list we hold, and small enough that (MAX_PAGE - 1) * per_page fits PostgreSQL's OFFSET.
MAX_PAGE = 10**9


class OneQueryPaginator(Paginator):
    """Reads the page's rows and the total in one query: the total is a scalar subquery over the same
    filter, which PostgreSQL and SQLite compute once and which reads only what the filter needs (a
    window COUNT would carry every column of every row in view through the sort).

    Only a page past the end falls back to Django's way (a COUNT, then the last page), which is rare.
    Anything but ASCII digits is page 1; a number too large for the database's OFFSET is past the end.
    """

    def get_page(self, number):
        number = whole_number(str(number or "")) or 1
        if number > MAX_PAGE:
            return super().get_page(number)
        bottom = (number - 1) * self.per_page
        counted = self.object_list.order_by().annotate(all_rows=Value(1)).values("all_rows")
        total = Subquery(counted.annotate(total=Count("pk")).values("total"))
        rows = list(self.object_list.annotate(total_rows=total)[bottom : bottom + self.per_page])
        if rows or number == 1:
            self.__dict__["count"] = rows[0].total_rows if rows else 0  # fills the cached `count`
            return self._get_page(rows, number, self)
        return super().get_page(number)
