greeting = Hallo { $name }
menu = Menu
    .label = Hoofdmenu
unused-here = Niet gebruikt
