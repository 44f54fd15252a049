"""Personal data rights (UU PDP 2022): a participant's own data, deletion, anonymising an event."""
