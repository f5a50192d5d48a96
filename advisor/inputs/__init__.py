"""What a user gives the advisor: answers to the questionnaire and probe measurements, read
safely from YAML and JSON files and validated into typed models. Imports nothing above it."""
