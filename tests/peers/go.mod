module gofix.test/peers

go 1.22

require (
	github.com/jackc/pgx/v5 v5.5.5
	golang.org/x/net v0.25.0
)

require (
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20221227161230-091c0ba34f0a // indirect
	github.com/jackc/puddle/v2 v2.2.1 // indirect
	golang.org/x/crypto v0.23.0 // indirect
	golang.org/x/sync v0.1.0 // indirect
	golang.org/x/text v0.15.0 // indirect
)
