# Site-wide texts: title, header, navigation, language switcher, footer.

site-title = Groningen City of Knowledge
site-description = Groningen as an international city of knowledge: knowledge sectors, startups, the International Welcome Center North and the international calendar.

skip-link = Skip to content

nav-main = Main menu
nav-home = Home

breadcrumbs = Breadcrumbs

# The language switcher. $lang is the code of the other language, $name its
# own name for itself ("Nederlands"), $title the title of the page the link goes to.
lang-switcher = Language
lang-current = { $name } (current language)
lang-this-page =
    { $lang ->
        [nl] This page in Dutch
        [en] This page in English
       *[other] This page in { $name }
    }
lang-site =
    { $lang ->
        [nl] This site in Dutch
        [en] This site in English
       *[other] This site in { $name }
    }
lang-not-translated =
    { $lang ->
        [nl] This page does not exist in Dutch; you will go to { $title }
        [en] This page does not exist in English; you will go to { $title }
       *[other] This page does not exist in { $name }; you will go to { $title }
    }
lang-only-here =
    { $lang ->
        [nl] This page is only available in English. In Dutch, continue reading at:
       *[other] This page is only available in English. In { $name }, continue reading at:
    }

translation-newer =
    { $lang ->
        [nl] The Dutch version of this page was updated more recently:
        [en] The English version of this page was updated more recently:
       *[other] The { $name } version of this page was updated more recently:
    }

footer-about = Groningen City of Knowledge shows what Groningen offers international talent and innovative companies. Its content is based on the municipal programme ‘Promoting our knowledge sectors nationally and internationally’ (2020).
footer-top = Back to top

# The 404 page.
not-found-title = Page not found
not-found-text = This page does not exist (any more). The address may have been mistyped, or the page may have moved.
not-found-home = Go to the home page
not-found-menu = Or choose a section:

# The language chooser at the root of the site.
root-heading = Choose your language
root-description = Groningen City of Knowledge in English.

# Search: the header link, the search page and the texts its script shows.
# $n is not a number: it is written as "{n}" and the script puts the count there.
search-link = Search
search-title = Search
search-label = Search this site
search-button = Search
search-none = No pages found.
search-one = 1 page found.
search-some = { $n } pages found.
search-nojs = Searching needs JavaScript. Without it, use the menu or the topics.

nav-menu = Menu
footer-feed = New pages (Atom feed)
feed-title = { $site }: new pages
