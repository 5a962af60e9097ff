site-title = Kennisstad
visitors = { $count ->
    [one] { $count } bezoeker
   *[other] { $count } bezoekers
}
growth = Groei: { NUMBER($share, style: "percent") } per jaar
opened = Geopend op { DATETIME($date, dateStyle: "long") }
only-dutch = Alleen in het Nederlands vertaald
nav = Navigatie
    .label = Hoofdmenu
