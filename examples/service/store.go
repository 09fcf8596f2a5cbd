package service

import (
	"context"
	"database/sql"
)

// Order is one order.
type Order struct {
	ID    string
	SKU   string
	Qty   int
	Price float64
}

// Store keeps orders in SQL.
type Store struct {
	DB *sql.DB
}

// Order loads one order.
func (s *Store) Order(ctx context.Context, id string) (*Order, error) {
	o := &Order{ID: id}
	err := s.DB.QueryRowContext(ctx, "SELECT sku, qty FROM orders WHERE id = ?", id).Scan(&o.SKU, &o.Qty)
	if err != nil {
		return nil, err
	}
	return o, nil
}

// Pending lists the ids of orders not yet shipped.
func (s *Store) Pending(ctx context.Context) ([]string, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT id FROM orders WHERE shipped = 0")
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Ship marks orders shipped in one transaction.
func (s *Store) Ship(ctx context.Context, ids []string) error {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	stmt, err := tx.PrepareContext(ctx, "UPDATE orders SET shipped = 1 WHERE id = ?")
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := stmt.ExecContext(ctx, id); err != nil {
			return err
		}
	}
	return tx.Commit()
}
