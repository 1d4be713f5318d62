"""A paginator that counts with the page's own query, so a list page costs one query, not two."""

from django.core.paginator import Paginator
from django.db.models import Count, Window


class OneQueryPaginator(Paginator):
    """Reads the page's rows and the total (a window COUNT over the same filter) in one query.

    Only a page past the end falls back to Django's way (a COUNT, then the last page), which is rare.
    """

    def get_page(self, number):
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list.annotate(total_rows=Window(Count("pk")))[bottom : bottom + self.per_page])
        if rows or number == 1:
            self.__dict__["count"] = rows[0].total_rows if rows else 0  # fills the cached `count`
            return self._get_page(rows, number, self)
        return super().get_page(number)
