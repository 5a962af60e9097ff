# Pages, sections, taxonomies and the home page.

page-published = Published { $date }
page-updated = updated { $date }
page-tags = Topics
page-toc = On this page
pager = Previous and next page
pager-previous = Previous
pager-next = Next

section-pages = In this section
section-count =
    { $count ->
        [one] { $count } page
       *[other] { $count } pages
    }
section-subsections = Sections

# Taxonomies by their name in site.yaml.
taxonomy-tags = Topics
taxonomy-intro = All topics on this site, with the number of pages for each.
taxonomy-term-count =
    { $count ->
        [one] { $count } page
       *[other] { $count } pages
    }
term-title = Topic: { $term }
term-intro =
    { $count ->
        [one] There is { $count } page about { $term }.
       *[other] There are { $count } pages about { $term }.
    }
term-all = All topics

# Home page.
home-figures = The IWCN in figures
home-figures-source = Source: municipal programme 2.1.4 (2020).
home-sections = All sections

# Key figures from data/key-figures.yaml, one per id. $count is the value
# (for the plural), $year the year it refers to, if any.
key-figure-growth = average growth of the IWCN a year
key-figure-partners =
    { $count ->
        [one] company the IWCN works with
       *[other] companies the IWCN works with
    }
key-figure-visitors =
    { $count ->
        [one] visitor to the IWCN in { $year }
       *[other] visitors to the IWCN in { $year }
    }
key-figure-permits =
    { $count ->
        [one] work or residence permit issued to a knowledge worker
       *[other] work and residence permits issued to knowledge workers
    }
