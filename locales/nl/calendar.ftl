# The international calendar and event pages.

calendar-events = Evenementen
calendar-upcoming = Komende evenementen
calendar-past = Afgelopen evenementen
calendar-count =
    { $count ->
        [one] { $count } evenement
       *[other] { $count } evenementen
    }
calendar-order = Op datum, de vroegste bovenaan.
calendar-none-upcoming = Er staan op dit moment geen komende evenementen in de agenda.

event-details = Praktische informatie
event-date = Datum
event-time = Tijd
event-time-range = { $start } tot { $end } uur
event-start = Begin
event-end = Einde
event-location = Locatie
event-website = Website
event-date-range = { $start } tot en met { $end }
event-add = Zet in je agenda (iCalendar-bestand)
calendar-subscribe = Alle evenementen in je agenda (iCalendar-bestand)
home-calendar-all = Alle evenementen in de agenda
