-- Rasa's tracker store lives in its own database beside the api's (RASA_TRACKER_DB).
CREATE DATABASE kakehashi_rasa OWNER kakehashi;
