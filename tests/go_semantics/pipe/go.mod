module sem/pipe

go 1.22
