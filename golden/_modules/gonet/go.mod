module code.google.com/p/go.net

go 1.22
