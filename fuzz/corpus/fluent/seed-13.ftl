greeting = Hello { $person }
menu = Menu
unused-here = Not used
only-english = Only in English
