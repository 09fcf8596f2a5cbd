module leak/broadcast

go 1.22
