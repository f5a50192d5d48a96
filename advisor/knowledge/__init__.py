"""What the advisor knows: the rule file formats, the condition language, the loaded rule base
(``RuleSet``), its loader and the checks of ``advisor rules check``."""
