"""The read paths pages use, each with the prefetches it needs and a query-count test, so
that a page's query count does not grow with its rows."""
