package p

import (
	"context"
	"database/sql"
	"log"
	"net/http"
	"time"
)

// No context in this function: Background is the only choice.
func main2(db *sql.DB) {
	_, _ = db.ExecContext(context.Background(), "SELECT 1")
}

// Detached on purpose: a goroutine, a defer, a callback may run after the function returns.
func detached(ctx context.Context, db *sql.DB) {
	go func() {
		_, _ = db.ExecContext(context.Background(), "INSERT INTO audit VALUES (1)")
	}()
	defer db.ExecContext(context.Background(), "UNLOCK")
	defer func() {
		_, _ = db.ExecContext(context.Background(), "UNLOCK")
	}()
	time.AfterFunc(time.Second, func() {
		_, _ = db.ExecContext(context.Background(), "SELECT 1")
	})
}

// Not a ...Context call: a deliberately detached deadline.
func deadline(ctx context.Context, db *sql.DB) error {
	tctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := db.ExecContext(tctx, "SELECT 1")
	return err
}

// Already passes the function's context.
func good(w http.ResponseWriter, r *http.Request, db *sql.DB) {
	_, _ = db.ExecContext(r.Context(), "SELECT 1")
	log.Println(context.Background())
}

// A look-alike: a local variable called context.
type fake struct{}

func (fake) Background() context.Context { return nil }

func lookAlike(ctx context.Context, db *sql.DB) {
	context := fake{}
	_, _ = db.ExecContext(context.Background(), "SELECT 1")
}
