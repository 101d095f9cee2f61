// Tell the local server this browser's time zone, so "today" is the person's own day.
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
if (zone) document.cookie = `backcoach_tz=${encodeURIComponent(zone)}; path=/; SameSite=Strict; max-age=31536000`;
