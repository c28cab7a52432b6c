"""planwatch: tracks government plan targets against official statistics."""
