"""The demo content of the services: the pool of experts, sparring requests and days, and the trainings."""
