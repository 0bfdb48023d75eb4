"""Pages of the electronic queue, one module per audience: the kiosk and information stand
(Q-1, Q-2), the staff pages — operator console and hall administrator (Q-3, Q-5, Q-6) —, the
display board with its live stream (Q-4), and the statistics of the head of the office."""
