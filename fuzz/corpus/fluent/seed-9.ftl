visitors = { $count } visitors
