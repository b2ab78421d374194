-- Rasa's tracker store lives in its own database beside the api's.
CREATE DATABASE rasa OWNER kakehashi;
