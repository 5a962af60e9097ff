# The international calendar and event pages.

calendar-events = Events
calendar-upcoming = Upcoming events
calendar-past = Past events
calendar-count =
    { $count ->
        [one] { $count } event
       *[other] { $count } events
    }
calendar-order = By date, earliest first.
calendar-none-upcoming = There are no upcoming events in the calendar at the moment.

event-details = Event details
event-date = Date
event-time = Time
event-time-range = { $start } to { $end }
event-start = Starts
event-end = Ends
event-location = Location
event-website = Website
event-date-range = { $start } to { $end }
event-add = Add to your calendar (iCalendar file)
calendar-subscribe = All events in your calendar (iCalendar file)
home-calendar-all = All events in the calendar
