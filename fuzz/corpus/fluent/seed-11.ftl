site-title = Knowledge City
visitors = { $count ->
    [one] { $count } visitor
   *[other] { $count } visitors
}
growth = Growth: { NUMBER($share, style: "percent") } a year
opened = Opened on { DATETIME($date, dateStyle: "long") }
nav = Navigation
    .label = Main menu
