package service

import (
	"context"
	"encoding/json"

	"github.com/segmentio/kafka-go"
	"google.golang.org/grpc"
)

// Events publishes order events.
type Events struct {
	Brokers []string
}

// Publish writes one order event to Kafka.
func (e *Events) Publish(ctx context.Context, o *Order) error {
	w := kafka.NewWriter(kafka.WriterConfig{Brokers: e.Brokers, Topic: "orders"})
	value, err := json.Marshal(o)
	if err != nil {
		return err
	}
	return w.WriteMessages(ctx, kafka.Message{Key: []byte(o.ID), Value: value})
}

// Inventory asks the inventory service over gRPC for its target.
func Inventory(ctx context.Context, addr string) (string, error) {
	conn, err := grpc.DialContext(ctx, addr)
	if err != nil {
		return "", err
	}
	return conn.Target(), nil
}
