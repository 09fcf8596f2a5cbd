module sem/txstmt

go 1.22
