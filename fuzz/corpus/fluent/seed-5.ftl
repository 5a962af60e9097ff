# Pages, sections, taxonomies and the home page.

page-published = Gepubliceerd op { $date }
page-updated = bijgewerkt op { $date }
page-tags = Onderwerpen
page-toc = Op deze pagina
pager = Vorige en volgende pagina
pager-previous = Vorige
pager-next = Volgende

section-pages = In dit onderdeel
section-count =
    { $count ->
        [one] { $count } pagina
       *[other] { $count } pagina’s
    }
section-subsections = Onderdelen

# Taxonomies by their name in site.yaml.
taxonomy-tags = Onderwerpen
taxonomy-intro = Alle onderwerpen op deze site, met het aantal pagina’s per onderwerp.
taxonomy-term-count =
    { $count ->
        [one] { $count } pagina
       *[other] { $count } pagina’s
    }
term-title = Onderwerp: { $term }
term-intro =
    { $count ->
        [one] Er is { $count } pagina over { $term }.
       *[other] Er zijn { $count } pagina’s over { $term }.
    }
term-all = Alle onderwerpen

# Home page.
home-figures = Het IWCN in cijfers
home-figures-source = Bron: gemeentelijk programma 2.1.4 (2020).
home-sections = Alle onderdelen

# Key figures from data/key-figures.yaml, one per id. $count is the value
# (for the plural), $year the year it refers to, if any.
key-figure-growth = gemiddelde groei van het IWCN per jaar
key-figure-partners =
    { $count ->
        [one] bedrijf waarmee het IWCN samenwerkt
       *[other] bedrijven waarmee het IWCN samenwerkt
    }
key-figure-visitors =
    { $count ->
        [one] bezoeker van het IWCN in { $year }
       *[other] bezoekers van het IWCN in { $year }
    }
key-figure-permits =
    { $count ->
        [one] werk- of verblijfsvergunning voor een kenniswerker
       *[other] werk- en verblijfsvergunningen voor kenniswerkers
    }
