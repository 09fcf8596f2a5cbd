// Package service is a small order service with the leaks gofix finds: HTTP handlers,
// database access, background workers and a Kafka producer.
package service

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"time"
)

// Server serves orders.
type Server struct {
	Store    *Store
	Client   *http.Client
	Events   *Events
	Upstream string
}

// HandleOrder looks up an order and enriches it with the pricing service.
func (s *Server) HandleOrder(w http.ResponseWriter, r *http.Request) {
	ctx, _ := context.WithTimeout(r.Context(), 2*time.Second)
	order, err := s.Store.Order(ctx, r.URL.Query().Get("id"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	price, err := s.price(ctx, order.SKU)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	order.Price = price
	go s.Events.Publish(r.Context(), order)
	_ = json.NewEncoder(w).Encode(order)
}

func (s *Server) price(ctx context.Context, sku string) (float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.Upstream+"/price/"+sku, nil)
	if err != nil {
		return 0, err
	}
	resp, err := s.Client.Do(req)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("pricing: %s", resp.Status)
	}
	var p struct{ Price float64 }
	err = json.NewDecoder(resp.Body).Decode(&p)
	resp.Body.Close()
	return p.Price, err
}

// Health pings the upstream.
func (s *Server) Health() error {
	resp, err := http.Get(s.Upstream + "/health")
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// LogStats prints request statistics every minute until stop is closed.
func LogStats(stop <-chan struct{}, stats func() string) {
	ticker := time.NewTicker(time.Minute)
	for {
		select {
		case <-stop:
			return
		case <-ticker.C:
			log.Print(stats())
		}
	}
}
