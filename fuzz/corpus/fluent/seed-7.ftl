site-title = Knowledge City
visitors { $count }
