visitors = { $count } bezoekers
