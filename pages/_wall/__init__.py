"""The wall screen's sections (pages/wall.py): the map, the trend, the ticker."""
