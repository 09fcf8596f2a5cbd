module leak/pipes

go 1.22
