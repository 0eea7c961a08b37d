/**
 * Flemish-looking synthetic names for demo dumps. Common first and family
 * names, a few with accents or particles so normalisation gets exercised.
 * Combined at random they describe nobody in particular.
 */

export const BOY_NAMES = [
  'Noah', 'Arthur', 'Lucas', 'Liam', 'Louis', 'Jules', 'Adam', 'Victor', 'Finn', 'Mathis',
  'Leon', 'Lars', 'Milan', 'Vic', 'Matteo', 'Elias', 'Mauro', 'Seppe', 'Warre', 'Stan',
  'Wout', 'Robbe', 'Kobe', 'Jef', 'Lowie', 'Rune', 'Senne', 'Ferre', 'Thibo', 'Bas',
  'Mathéo', 'Loïc', 'Noé', 'Jérôme', 'Yusuf', 'Amir', 'Mohamed', 'Rayan', 'Ilias', 'Cas',
  'Tuur', 'Jasper', 'Ruben', 'Wannes', 'Daan', 'Gust', 'Staf', 'Mil', 'Otis', 'Nand',
] as const;

export const GIRL_NAMES = [
  'Olivia', 'Louise', 'Mila', 'Ella', 'Marie', 'Nora', 'Lina', 'Juliette', 'Alice', 'Elena',
  'Lotte', 'Noor', 'Fien', 'Emma', 'Lore', 'Hanne', 'Janne', 'Lien', 'Roos', 'Wiebe',
  'Jana', 'Amber', 'Lisa', 'Sara', 'Femke', 'Marthe', 'Renske', 'Yana', 'Ines', 'Axelle',
  'Zoë', 'Chloë', 'Thaïs', 'Anaïs', 'Leonie', 'Aya', 'Amira', 'Yasmine', 'Ilse', 'Floor',
  'Jitse', 'Mona', 'Nell', 'Paulien', 'Kato', 'Ona', 'Fleur', 'Saar', 'Tess', 'Bo',
] as const;

export const FAMILY_NAMES = [
  'Peeters', 'Janssens', 'Maes', 'Jacobs', 'Mertens', 'Willems', 'Claes', 'Goossens',
  'Wouters', 'De Smet', 'Dubois', 'Vermeulen', 'Van den Broeck', 'Hermans', 'Aerts',
  'Pauwels', 'Michiels', 'Lambrechts', 'De Clercq', 'Dumont', 'Martens', 'Smets', 'Declercq',
  'Van Damme', 'De Wilde', "D'Hondt", 'Van de Velde', 'Vanden Bossche', 'Verstraete',
  'De Backer', 'Segers', 'Stevens', 'Hendrickx', 'Cools', 'Wuyts', 'Van Dyck', 'Thys',
  'Coppens', 'Verhaegen', 'Desmet', 'De Vos', 'Bogaert', 'Verbeke', 'Maertens', 'Lenaerts',
  'Van Hecke', 'Vandenberghe', 'Engels', 'Geerts', 'Baert', 'De Meyer', 'Leclercq', 'Moens',
  'Smeets', 'Cornelis', 'Vandamme', 'Van Acker', 'Verschueren', 'Bosmans', 'Wauters',
  'Öztürk', 'El Amrani', 'Nowak', 'Yilmaz', 'Benali', 'Kowalski', 'Ngoy', 'Diallo',
  'Vercammen', 'Schepers', 'Heylen', 'Nijs', 'Van Loock', 'Dierckx', 'Luyten', 'Sels',
] as const;

export const SCHOOL_WORDS = [
  'Sint-Jozef', 'De Regenboog', 'Klavertje Vier', 'Atheneum', 'Sint-Lodewijk', 'De Vlinder',
  'Het Molenijzer', 'Sint-Victor', 'De Bron', 'Technisch Instituut', 'Het Spoor', 'De Wegwijzer',
] as const;

export const TOWNS = [
  'Leerstad', 'Brugge', 'Gent', 'Kortrijk', 'Hasselt', 'Mechelen', 'Leuven', 'Aalst', 'Genk',
  'Roeselare', 'Turnhout', 'Lier', 'Geel', 'Tielt', 'Ieper', 'Ninove', 'Tienen', 'Mol',
] as const;
