package p

import (
	"database/sql"
	"net/http"
)

type store struct {
	db   *sql.DB
	next *http.Client
}

func (s *store) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rows, err := s.db.Query("SELECT 1") // want "s.db.Query runs with no context.*\\(r.Context\\(\\)\\); use s.db.QueryContext\\(r.Context\\(\\), ...\\)"
	if err != nil {
		return
	}
	defer rows.Close()
	req, err := http.NewRequest("GET", "http://backend/", nil) // want "use http.NewRequestWithContext\\(r.Context\\(\\), ...\\)"
	if err != nil {
		return
	}
	resp, err := s.next.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	func() {
		s.db.Exec("UPDATE t SET n = 1") // want "s.db.Exec runs"
	}()
}
