"""The corpus panel: the index as a sortable, filterable table, built in a worker thread."""
