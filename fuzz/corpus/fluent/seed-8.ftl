site-title = Kennisstad
site-title = Dubbel
