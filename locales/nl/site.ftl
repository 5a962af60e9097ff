# Site-wide texts: title, header, navigation, language switcher, footer.

site-title = Kennisstad Groningen
site-description = Groningen als internationale kennisstad: kennissectoren, startups, het International Welcome Center North en de internationale agenda.

skip-link = Naar de inhoud

nav-main = Hoofdmenu
nav-home = Home

breadcrumbs = Kruimelpad

# The language switcher. $lang is the code of the other language, $name its
# own name for itself ("English"), $title the title of the page the link goes to.
lang-switcher = Taalkeuze
lang-current = { $name } (huidige taal)
lang-this-page =
    { $lang ->
        [en] Deze pagina in het Engels
        [nl] Deze pagina in het Nederlands
       *[other] Deze pagina in het { $name }
    }
lang-site =
    { $lang ->
        [en] Deze site in het Engels
        [nl] Deze site in het Nederlands
       *[other] Deze site in het { $name }
    }
lang-not-translated =
    { $lang ->
        [en] Deze pagina bestaat niet in het Engels; je gaat naar { $title }
        [nl] Deze pagina bestaat niet in het Nederlands; je gaat naar { $title }
       *[other] Deze pagina bestaat niet in het { $name }; je gaat naar { $title }
    }
lang-only-here =
    { $lang ->
        [en] Deze pagina is er alleen in het Nederlands. In het Engels lees je verder op:
       *[other] Deze pagina is er alleen in het Nederlands. In het { $name } lees je verder op:
    }

translation-newer =
    { $lang ->
        [en] De Engelse versie van deze pagina is recenter bijgewerkt:
        [nl] De Nederlandse versie van deze pagina is recenter bijgewerkt:
       *[other] De versie van deze pagina in het { $name } is recenter bijgewerkt:
    }

footer-about = Kennisstad Groningen laat zien wat Groningen biedt aan internationaal talent en innovatieve bedrijven. De inhoud is gebaseerd op het gemeentelijke programma ‘(Inter)nationaal promoten van onze kennissectoren’ (2020).
footer-top = Naar boven

# The 404 page.
not-found-title = Pagina niet gevonden
not-found-text = Deze pagina bestaat niet (meer). Misschien is het adres verkeerd getypt, of is de pagina verplaatst.
not-found-home = Ga naar de startpagina
not-found-menu = Of kies een onderdeel:

# The language chooser at the root of the site.
root-heading = Kies je taal
root-description = Kennisstad Groningen in het Nederlands.

# Search: the header link, the search page and the texts its script shows.
# $n is not a number: it is written as "{n}" and the script puts the count there.
search-link = Zoeken
search-title = Zoeken
search-label = Zoek op deze site
search-button = Zoek
search-none = Geen pagina’s gevonden.
search-one = 1 pagina gevonden.
search-some = { $n } pagina’s gevonden.
search-nojs = Zoeken werkt met JavaScript. Zonder JavaScript vind je alles via het menu of de onderwerpen.

nav-menu = Menu
footer-feed = Nieuwe pagina’s (Atom-feed)
feed-title = { $site }: nieuwe pagina’s
