"""The venue set-up: HTTPS on the hotel LAN for the door phones' cameras (`make venue`), and the
public /door-setup page that hands the phones the local CA."""
